"""A Delphi survey with answers, shared by the survey, results and import/export tests (no tests here).

The answers are chosen so that every statistic can be worked out by hand; the expected values are in
``test_results.py`` next to the assertions. Panel (pseudonym: group):

    E01: science   E02: science   E03: industry   E04: industry   E05: (none)   E06: (none)

Round 1 (closed), submitted by E01-E04; round 2 (open), submitted by E01-E04, a draft of E05, nothing
from E06.

importance (rating 1-5)   tele       r1: 2 4 5 5   r2: 4 4 5 5
                          implants   r1: 3 3 3 4   r2: 3 3 3 4
                          robots     r1: 1 1 5 5   r2: 1 1 5 5
priority (rank, round 1)  x y z      E01: 1 2 3   E02: 1 3 2   E03: 2 1 3   (E04 does not rank)
impfeas (rating2 1-9)     tele2      r1: (7,3) (8,4) (7,5) (9,3)
barriers (choice, max 2)  cost reg staff   r1: E01 cost+reg, E02 cost, E03 staff
why (text)                reason     r1: E01 "Too expensive", E02 "already common"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from clusterworks.web.core.roles import Role
from clusterworks.web.foresight.models import (
    Answer,
    Item,
    Panelist,
    Question,
    QuestionKind,
    Round,
    RoundStatus,
    Submission,
    Survey,
    SurveyStatus,
)
from tests.factories import (
    ClusterFactory,
    ItemFactory,
    PanelistFactory,
    QuestionFactory,
    RoundFactory,
    SurveyFactory,
    user_with_role,
)

GROUPS = {"E01": "science", "E02": "science", "E03": "industry", "E04": "industry", "E05": "", "E06": ""}


@dataclass
class World:
    survey: Survey
    round1: Round
    round2: Round
    manager: Any
    other_manager: Any
    analyst: Any
    outsider_expert: Any
    panel: dict[str, Panelist]
    questions: dict[str, Question]
    items: dict[str, Item]


def submit(
    round_: Round, panelist: Panelist, answers: dict[str, Any], *, submitted: bool = True
) -> Submission:
    """Store ``answers`` (item key -> value, (value, value2), or text) as the panelist's submission."""
    submission = Submission.objects.create(
        round=round_, panelist=panelist, submitted_at=timezone.now() if submitted else None
    )
    for key, value in answers.items():
        item = Item.objects.get(question__survey=round_.survey, key=key)
        if isinstance(value, tuple):
            Answer.objects.create(submission=submission, item=item, value=value[0], value2=value[1])
        elif isinstance(value, str):
            Answer.objects.create(submission=submission, item=item, text=value)
        else:
            Answer.objects.create(submission=submission, item=item, value=value)
    return submission


def build_world(*, answers: bool = True) -> World:
    cluster = ClusterFactory(key="medtech", name_en="Medical Technologies")
    survey = SurveyFactory(
        cluster=cluster,
        key="medtech-2030",
        title_en="Medical technologies 2030",
        title_ru="Медицинские технологии 2030",
        status=SurveyStatus.RUNNING,
    )
    round1 = RoundFactory(survey=survey, number=1, status=RoundStatus.CLOSED, opened_at=timezone.now())
    round2 = RoundFactory(survey=survey, number=2, status=RoundStatus.OPEN, opened_at=timezone.now())
    panel = {
        code: PanelistFactory(
            survey=survey,
            code=code,
            group=group,
            user=user_with_role(
                Role.EXPERT, username=f"expert-{code.lower()}", first_name="Expert", last_name=f"Name{code}"
            ),
        )
        for code, group in GROUPS.items()
    }
    questions = {
        "importance": QuestionFactory(
            survey=survey, key="importance", kind=QuestionKind.RATING, scale_min=1, scale_max=5, position=0
        ),
        "priority": QuestionFactory(
            survey=survey, key="priority", kind=QuestionKind.RANK, scale_min=None, scale_max=None,
            last_round=1, position=1,
        ),
        "impfeas": QuestionFactory(
            survey=survey, key="impfeas", kind=QuestionKind.RATING2, scale_min=1, scale_max=9,
            dimension1_en="importance", dimension2_en="feasibility", last_round=1, position=2,
        ),
        "barriers": QuestionFactory(
            survey=survey, key="barriers", kind=QuestionKind.CHOICE, scale_min=None, scale_max=None,
            max_choices=2, last_round=1, position=3,
        ),
        "why": QuestionFactory(
            survey=survey, key="why", kind=QuestionKind.TEXT, scale_min=None, scale_max=None, last_round=1,
            position=4,
        ),
    }  # fmt: skip
    layout = {
        "importance": ["tele", "implants", "robots"],
        "priority": ["x", "y", "z"],
        "impfeas": ["tele2"],
        "barriers": ["cost", "reg", "staff"],
        "why": ["reason"],
    }
    items = {
        key: ItemFactory(question=questions[question], key=key, title_en=key.title(), position=position)
        for question, keys in layout.items()
        for position, key in enumerate(keys)
    }
    world = World(
        survey=survey,
        round1=round1,
        round2=round2,
        manager=user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="manager"),
        other_manager=user_with_role(
            Role.CLUSTER_MANAGER, cluster=ClusterFactory(), username="other-manager"
        ),
        analyst=user_with_role(Role.ANALYST, username="analyst"),
        outsider_expert=user_with_role(Role.EXPERT, username="outsider"),
        panel=panel,
        questions=questions,
        items=items,
    )
    if answers:
        _answer(world)
    return world


def _answer(world: World) -> None:
    p, r1, r2 = world.panel, world.round1, world.round2
    tele = {"E01": (2, 4), "E02": (4, 4), "E03": (5, 5), "E04": (5, 5)}
    implants = {"E01": (3, 3), "E02": (3, 3), "E03": (3, 3), "E04": (4, 4)}
    robots = {"E01": (1, 1), "E02": (1, 1), "E03": (5, 5), "E04": (5, 5)}
    ranks = {"E01": (1, 2, 3), "E02": (1, 3, 2), "E03": (2, 1, 3)}
    impfeas = {"E01": (7, 3), "E02": (8, 4), "E03": (7, 5), "E04": (9, 3)}
    choices = {"E01": ("cost", "reg"), "E02": ("cost",), "E03": ("staff",)}
    texts = {"E01": "Too expensive", "E02": "already common"}
    for code in ("E01", "E02", "E03", "E04"):
        first: dict[str, Any] = {
            "tele": tele[code][0],
            "implants": implants[code][0],
            "robots": robots[code][0],
            "tele2": impfeas[code],
        }
        if code in ranks:
            first.update(zip(("x", "y", "z"), ranks[code], strict=True))
        for option in choices.get(code, ()):
            first[option] = 1
        if code in texts:
            first["reason"] = texts[code]
        submit(r1, p[code], first)
        submit(r2, p[code], {"tele": tele[code][1], "implants": implants[code][1], "robots": robots[code][1]})
    submit(r2, p["E05"], {"tele": 1, "implants": 1}, submitted=False)
    Answer.objects.filter(submission__round=r1, submission__panelist=p["E01"], item__key="tele").update(
        comment="Remote care is cheap"
    )
