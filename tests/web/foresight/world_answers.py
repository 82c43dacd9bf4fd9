"""A Delphi survey with one question of every kind, its panel and its rounds, for the tests of the
expert's side (``test_answers_*.py``, ``test_feedback*.py``). No tests here: only the builder.

Pseudonyms, user names and full names are distinctive strings so that a test can assert that none of
another expert's appears in a page (a short code such as ``E01`` could occur in a CSRF token by chance).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from clusterworks.web.core.roles import Role
from clusterworks.web.foresight.models import Question, QuestionKind, Round, RoundStatus, Survey
from tests.factories import (
    ClusterFactory,
    ItemFactory,
    PanelistFactory,
    QuestionFactory,
    RoundFactory,
    SurveyFactory,
    user_with_role,
)

EXPERTS = (
    # username, first name, last name, pseudonym
    ("expert-ann", "Annabella", "Quillfeather", "PX-ANN"),
    ("expert-bob", "Bartholomew", "Zinnfeld", "PX-BOB"),
    ("expert-cy", "Cyprian", "Wrotham", "PX-CYP"),
    ("expert-dee", "Delphine", "Marchbanks", "PX-DEE"),
)


@dataclass
class World:
    survey: Survey
    round: Round
    experts: list[Any]
    panelists: list[Any]
    questions: dict[str, Question]
    manager: Any
    extra: dict[str, Any] = field(default_factory=dict)

    def identities(self, *, but: Any = None) -> list[str]:
        """User names, full names and pseudonyms of every expert except ``but``."""
        found = []
        for user, seat in zip(self.experts, self.panelists, strict=True):
            if user != but:
                found += [user.username, user.first_name, user.last_name, seat.code]
        return found


def _question(survey: Survey, key: str, kind: str, items: list[tuple[str, str]], **fields: Any) -> Question:
    question = QuestionFactory(
        survey=survey, key=key, kind=kind, title_en=fields.pop("title_en", key), **fields
    )
    for position, (item_key, title) in enumerate(items):
        ItemFactory(question=question, key=item_key, title_en=title, position=position)
    return question


def build_world(*, experts: int = 3, deadline_days: int = 7) -> World:
    """A running survey of a cluster, round 1 open (deadline in ``deadline_days``), seven questions."""
    cluster = ClusterFactory(key="medtech", name_en="Medical Technologies")
    survey = SurveyFactory(
        cluster=cluster, key="medtech-2035", title_en="Medical technologies 2035", title_ru="Медтех 2035"
    )
    round_ = RoundFactory(
        survey=survey,
        number=1,
        status=RoundStatus.OPEN,
        deadline=timezone.now() + dt.timedelta(days=deadline_days),
    )
    questions = {
        "importance": _question(
            survey,
            "importance",
            QuestionKind.RATING,
            [("telemedicine", "Telemedicine"), ("implants", "Bioresorbable implants")],
            title_en="Importance for the cluster",
            scale_min=1,
            scale_max=9,
            position=1,
        ),
        "potential": _question(
            survey,
            "potential",
            QuestionKind.RATING2,
            [("telemedicine", "Telemedicine")],
            title_en="Feasibility and market",
            scale_min=1,
            scale_max=5,
            dimension1_en="Feasibility",
            dimension2_en="Market potential",
            position=2,
        ),
        "priority": _question(
            survey,
            "priority",
            QuestionKind.RANK,
            [("a", "Biosensors"), ("b", "Neural interfaces"), ("c", "Imaging AI"), ("d", "Drug delivery")],
            title_en="Order of priority",
            scale_min=None,
            scale_max=None,
            position=3,
        ),
        "when": _question(
            survey,
            "when",
            QuestionKind.TIME,
            [("robots", "Surgical robots in routine use")],
            title_en="Time of realisation",
            scale_min=2026,
            scale_max=2060,
            position=4,
        ),
        "chance": _question(
            survey,
            "chance",
            QuestionKind.PROBABILITY,
            [("substitution", "Import substitution of implants")],
            title_en="Probability",
            scale_min=None,
            scale_max=None,
            position=5,
        ),
        "barriers": _question(
            survey,
            "barriers",
            QuestionKind.CHOICE,
            [("regulation", "Regulation"), ("financing", "Financing"), ("competences", "Competences")],
            title_en="Main barriers",
            scale_min=None,
            scale_max=None,
            max_choices=2,
            position=6,
        ),
        "ideas": _question(
            survey,
            "ideas",
            QuestionKind.TEXT,
            [("ideas", "What else should the cluster do?")],
            title_en="Ideas",
            scale_min=None,
            scale_max=None,
            allow_comments=False,
            position=7,
        ),
    }
    users, seats = [], []
    for username, first, last, code in EXPERTS[:experts]:
        user = user_with_role(Role.EXPERT, username=username, first_name=first, last_name=last)
        users.append(user)
        seats.append(PanelistFactory(survey=survey, user=user, code=code, group="science"))
    manager = user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="manager")
    return World(
        survey=survey, round=round_, experts=users, panelists=seats, questions=questions, manager=manager
    )


def full_answers(**overrides: dict) -> dict[str, dict[str, dict]]:
    """A complete, valid set of answers to every question of :func:`build_world` (``overrides`` replace
    whole questions)."""
    answers = {
        "importance": {"telemedicine": {"value": 7, "comment": "Proven in pilots"}, "implants": {"value": 4}},
        "potential": {"telemedicine": {"value": 3, "value2": 5}},
        "priority": {"a": {"value": 1.5}, "b": {"value": 1.5}, "c": {"value": 3}, "d": {"value": 4}},
        "when": {"robots": {"never": True}},
        "chance": {"substitution": {"value": 12.5}},
        "barriers": {
            "regulation": {"chosen": True},
            "financing": {"chosen": True},
            "competences": {"chosen": False},
        },
        "ideas": {"ideas": {"text": "A shared biobank"}},
    }
    answers.update(overrides)
    return answers
