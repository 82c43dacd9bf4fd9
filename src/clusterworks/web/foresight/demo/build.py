"""Writing the foresight demo: upserts on keys, answers in bulk, validated with ``full_clean``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from clusterworks.web.core.models import User
from clusterworks.web.registry.models import Cluster, Competence, Membership, Organisation, Region

from ..models import (
    Answer,
    Candidate,
    Criterion,
    Item,
    Panelist,
    PriorityExercise,
    Question,
    Roadmap,
    RoadmapLink,
    RoadmapNode,
    Round,
    RoundStatus,
    StoppingRule,
    Submission,
    Survey,
    SurveyStatus,
)
from .answers import Answers, closed_survey_answers, running_survey_answers
from .content import (
    CLOSED_QUESTIONS,
    CLOSED_ROUNDS,
    CLOSED_SURVEY,
    CRITERIA,
    DROPOUT,
    EXERCISE,
    ILLUSTRATIVE_EN,
    ILLUSTRATIVE_RU,
    LINKS,
    MMTC,
    NODES,
    PANEL,
    PARTNERS,
    ROADMAP,
    RUNNING_DAYS,
    RUNNING_DRAFT,
    RUNNING_PANEL,
    RUNNING_QUESTIONS,
    RUNNING_SURVEY,
    SEED,
    TOPICS,
    Seat,
    at,
)


def _upsert(
    model: type[models.Model],
    keys: dict[str, Any],
    values: dict[str, Any],
    initial: dict[str, Any] | None = None,
) -> Any:
    """The row with ``keys``: created with ``values`` and ``initial``, or updated to ``values`` if they
    differ (``initial`` is used only to create it). Validated with ``full_clean`` before any write."""
    obj = model.objects.filter(**keys).first()
    if obj is None:
        obj = model(**keys, **values, **(initial or {}))
    else:
        changed = False
        for name, value in values.items():
            field = model._meta.get_field(name)
            current = getattr(obj, field.attname)
            wanted = value.pk if isinstance(value, models.Model) else value
            if current != wanted:
                setattr(obj, name, value)
                changed = True
        if not changed:
            return obj
    obj.full_clean()
    obj.save()
    return obj


def _set_m2m(manager: Any, wanted: list[models.Model]) -> None:
    if set(manager.values_list("pk", flat=True)) != {obj.pk for obj in wanted}:
        manager.set(wanted)


def _experts() -> dict[str, User]:
    """The synthetic experts ``delphi-e01`` .. ``delphi-e14`` (who cannot log in) and the demo ``expert``."""
    users = {u.username: u for u in User.objects.filter(username__startswith="delphi-e")}
    for number in range(1, 15):
        username = f"delphi-e{number:02d}"
        if username not in users:
            users[username] = User.objects.create(
                username=username,
                password=make_password(None),  # unusable: synthetic experts never log in
                first_name="Synthetic expert",
                last_name=f"{number:02d}",
                email=f"{username}@example.org",
            )
    users["expert"] = User.objects.get(username="expert")
    return users


def _survey(
    key: str,
    cluster: Cluster,
    values: dict[str, Any],
    questions: tuple[dict[str, Any], ...],
    initial: dict[str, Any] | None = None,
) -> tuple[Survey, dict[tuple[str, str], Item]]:
    survey = _upsert(Survey, {"key": key}, {"cluster": cluster, **values}, initial)
    items = {}
    for position, spec in enumerate(questions, start=1):
        fields = {name: value for name, value in spec.items() if name not in {"key", "items"}}
        question = _upsert(Question, {"survey": survey, "key": spec["key"]}, {"position": position, **fields})
        for number, (item_key, title_en, title_ru) in enumerate(spec["items"], start=1):
            items[spec["key"], item_key] = _upsert(
                Item,
                {"question": question, "key": item_key},
                {"position": number, "title_en": title_en, "title_ru": title_ru},
            )
    return survey, items


def _panel(
    survey: Survey, seats: tuple[Seat, ...], users: dict[str, User], invited: dt.datetime
) -> dict[str, Panelist]:
    return {
        seat.code: _upsert(
            Panelist,
            {"survey": survey, "user": users[seat.username]},
            {
                "code": seat.code,
                "group": seat.group,
                "expertise": seat.expertise,
                "interest": seat.interest,
            },
            {"invited_at": invited},
        )
        for seat in seats
    }


# (round, code) -> (started, saved, submitted, reminded)
Timestamps = dict[tuple[int, str], tuple[dt.datetime, dt.datetime, dt.datetime | None, dt.datetime | None]]


def _write_answers(
    rounds: dict[int, Round],
    panel: dict[str, Panelist],
    items: dict[tuple[str, str], Item],
    answers: Answers,
    times: Timestamps,
) -> int:
    """Make the submissions of the panelists in ``times`` and their answers equal to ``times`` and
    ``answers``; leave every other panelist's alone. Rewrites them (in bulk) only when something differs."""
    managed = [panel[code] for code in sorted({code for _, code in times})]
    submissions = Submission.objects.filter(round__in=rounds.values(), panelist__in=managed)
    stored_submissions = {
        (number, code): (started, saved, submitted, reminded)
        for number, code, started, saved, submitted, reminded in submissions.values_list(
            "round__number", "panelist__code", "started_at", "saved_at", "submitted_at", "reminded_at"
        )
    }
    stored_answers = {
        (number, code, question, item): (value, value2, text, comment)
        for number, code, question, item, value, value2, text, comment in Answer.objects.filter(
            submission__in=submissions
        ).values_list(
            "submission__round__number",
            "submission__panelist__code",
            "item__question__key",
            "item__key",
            "value",
            "value2",
            "text",
            "comment",
        )
    }
    wanted_answers = {
        (number, code, question, item): row
        for (number, code), rows in answers.items()
        for (question, item), row in rows.items()
    }
    count = len(wanted_answers)
    if stored_submissions == times and stored_answers == wanted_answers:
        return count
    submissions.delete()
    created = Submission.objects.bulk_create(
        Submission(
            round=rounds[number],
            panelist=panel[code],
            started_at=started,
            saved_at=saved,
            submitted_at=submitted,
            reminded_at=reminded,
        )
        for (number, code), (started, saved, submitted, reminded) in times.items()
    )
    by_key = {(s.round.number, s.panelist.code): s for s in created}
    Answer.objects.bulk_create(
        (
            Answer(
                submission=by_key[number, code],
                item=items[question, item],
                value=value,
                value2=value2,
                text=text,
                comment=comment,
            )
            for (number, code, question, item), (value, value2, text, comment) in wanted_answers.items()
        ),
        batch_size=500,
    )
    return count


def _closed_survey(cluster: Cluster, users: dict[str, User], manager: User) -> tuple[Survey, int]:
    survey, items = _survey(
        CLOSED_SURVEY,
        cluster,
        {
            "title_en": "Priorities of medical technologies 2027-2035",
            "title_ru": "Приоритеты медицинских технологий 2027-2035",
            "description_en": (
                "A two-round Delphi survey of the cluster's experts from science, clinics and industry on "
                "the importance, feasibility and market potential of eight technology topics, when key "
                "technologies reach clinical practice and what holds them back. " + ILLUSTRATIVE_EN
            ),
            "description_ru": (
                "Двухтуровый опрос Дельфи экспертов кластера из науки, клиник и промышленности о важности, "
                "реализуемости и рыночном потенциале восьми технологических направлений, о сроках внедрения "
                "ключевых технологий в клиническую практику и о барьерах. " + ILLUSTRATIVE_RU
            ),
            "status": SurveyStatus.CLOSED,
            "agreement_band": 1.0,
            "consensus_iqr": 2.0,
            "consensus_agreement": 0.75,
            "stability_p": 0.05,
            # two rounds: an item needs no third one once the panel agrees
            "stopping_rule": StoppingRule.EITHER,
            "created_by": manager,
        },
        CLOSED_QUESTIONS,
        {"created_at": at("2026-09-01")},
    )
    rounds = {
        number: _upsert(
            Round,
            {"survey": survey, "number": number},
            {
                "status": RoundStatus.CLOSED,
                "opened_at": dates["opened"],
                "deadline": dates["deadline"],
                "closed_at": dates["closed"],
            },
        )
        for number, dates in CLOSED_ROUNDS.items()
    }
    panel = _panel(survey, PANEL, users, at("2026-09-07"))
    answers = closed_survey_answers()
    rng = np.random.default_rng(SEED + 2)
    times: Timestamps = {}
    for number, code in answers:
        opened, deadline = CLOSED_ROUNDS[number]["opened"], CLOSED_ROUNDS[number]["deadline"]
        days = int(rng.integers(0, (deadline - opened).days))
        started = opened + dt.timedelta(days=days, hours=int(rng.integers(0, 9)))
        late = days >= 10  # experts who had not submitted after ten days were reminded
        times[number, code] = (
            started,
            started + dt.timedelta(minutes=int(rng.integers(15, 50))),
            started + dt.timedelta(minutes=int(rng.integers(50, 90))),
            opened + dt.timedelta(days=10) if late else None,
        )
    # the expert who dropped out was reminded in round 2 and never answered
    opened2 = CLOSED_ROUNDS[2]["opened"]
    times[2, DROPOUT] = (opened2, opened2, None, opened2 + dt.timedelta(days=10))
    count = _write_answers(rounds, panel, items, answers, times)
    return survey, count


def _running_survey(cluster: Cluster, users: dict[str, User], manager: User) -> Survey:
    now = timezone.now().replace(microsecond=0)
    opened = now - dt.timedelta(days=3)
    survey, items = _survey(
        RUNNING_SURVEY,
        cluster,
        {
            "title_en": "Digital health services in the cluster's clinics by 2030",
            "title_ru": "Цифровые сервисы в клиниках кластера до 2030 года",
            "description_en": (
                "A Delphi survey of the cluster's clinicians and developers on which digital services "
                "the clinics need first. Round 1 is open: sign in as the demo user 'expert' to answer it. "
                + ILLUSTRATIVE_EN
            ),
            "description_ru": (
                "Опрос Дельфи врачей и разработчиков кластера о том, какие цифровые сервисы нужны клиникам "
                "в первую очередь. Первый тур открыт: войдите как демо-пользователь «expert», чтобы "
                "ответить. " + ILLUSTRATIVE_RU
            ),
            "agreement_band": 1.0,
            "consensus_iqr": 2.0,
            "consensus_agreement": 0.75,
            "created_by": manager,
        },
        RUNNING_QUESTIONS,
        # the workflow is set once: what a visitor does to the survey survives a rebuild
        {"status": SurveyStatus.RUNNING, "created_at": opened - dt.timedelta(days=4)},
    )
    first = _upsert(
        Round,
        {"survey": survey, "number": 1},
        {},
        {"status": RoundStatus.OPEN, "opened_at": opened, "deadline": now + dt.timedelta(days=RUNNING_DAYS)},
    )
    if first.status == RoundStatus.OPEN and first.deadline is not None and first.deadline < now:
        first.deadline = now + dt.timedelta(days=RUNNING_DAYS)  # keep the demo answerable
        first.save()
    _upsert(Round, {"survey": survey, "number": 2}, {}, {"status": RoundStatus.PLANNED})
    panel = _panel(survey, RUNNING_PANEL, users, opened)
    answers = running_survey_answers()
    start = first.opened_at or opened
    times: Timestamps = {}
    for position, (_, code) in enumerate(answers):
        started = start + dt.timedelta(hours=5 + 7 * position)
        submitted = None if code == RUNNING_DRAFT else started + dt.timedelta(minutes=40)
        times[1, code] = (started, started + dt.timedelta(minutes=25), submitted, None)
    _write_answers({1: first}, panel, items, answers, times)
    return survey


def _partners(terms: dict[str, Competence]) -> None:
    """Illustrative organisations outside the Moscow cluster holding the competences it lacks."""
    regions = {r.code: r for r in Region.objects.filter(code__in={row[5] for row in PARTNERS})}
    clusters = {c.key: c for c in Cluster.objects.filter(key__in={row[8] for row in PARTNERS})}
    for key, name_en, name_ru, short, kind, region, city, competences, cluster in PARTNERS:
        organisation = _upsert(
            Organisation,
            {"key": key},
            {
                "name_en": name_en,
                "name_ru": name_ru,
                "short_name": short,
                "type": kind,
                "region": regions[region],
                "city": city,
                "illustrative": True,
            },
        )
        _set_m2m(organisation.competences, [terms[c] for c in competences])
        _upsert(Membership, {"cluster": clusters[cluster], "organisation": organisation}, {"role": "member"})


def _priorities(
    cluster: Cluster, survey: Survey, terms: dict[str, Competence]
) -> tuple[PriorityExercise, dict[str, Candidate]]:
    exercise = _upsert(
        PriorityExercise,
        {"key": EXERCISE},
        {
            "cluster": cluster,
            "survey": survey,
            "title_en": "Development priorities of the cluster 2027-2035",
            "title_ru": "Приоритеты развития кластера 2027-2035",
            "top": 5,
        },
        {"created_at": at("2026-11-16")},
    )
    questions = {q.key: q for q in survey.questions.all()}
    for position, (key, title_en, title_ru, weight, source, question, dimension, low, high) in enumerate(
        CRITERIA, start=1
    ):
        _upsert(
            Criterion,
            {"exercise": exercise, "key": key},
            {
                "position": position,
                "title_en": title_en,
                "title_ru": title_ru,
                "weight": weight,
                "source": source,
                "question": questions[question] if question else None,
                "dimension": dimension,
                "low": low,
                "high": high,
            },
        )
    candidates = {}
    for topic in TOPICS:
        candidate = _upsert(
            Candidate,
            {"exercise": exercise, "key": topic.key},
            {"title_en": topic.title_en, "title_ru": topic.title_ru},
        )
        _set_m2m(candidate.competences, [terms[c] for c in topic.competences])
        candidates[topic.key] = candidate
    return exercise, candidates


def _roadmap(
    cluster: Cluster,
    exercise: PriorityExercise,
    candidates: dict[str, Candidate],
    terms: dict[str, Competence],
) -> Roadmap:
    roadmap = _upsert(
        Roadmap,
        {"key": ROADMAP},
        {
            "cluster": cluster,
            "exercise": exercise,
            "title_en": "Technology roadmap of the cluster 2027-2035",
            "title_ru": "Технологическая дорожная карта кластера 2027-2035",
            "description_en": (
                "From the needs of patients and clinics to the products, technologies and competences "
                "that meet them, in technology chains built on the priorities of the Delphi survey. "
                "Illustrative: the dates, readiness levels and links are examples for demonstration."
            ),
            "description_ru": (
                "От потребностей пациентов и клиник к продуктам, технологиям и компетенциям, которые их "
                "удовлетворяют: технологические цепочки, построенные на приоритетах опроса Дельфи. "
                "Демонстрационные данные: сроки, уровни готовности и связи приведены для примера."
            ),
            "start_year": 2027,
            "end_year": 2035,
        },
        {"created_at": at("2026-11-23")},
    )
    nodes = {}
    for key, layer, title_en, title_ru, start, end, trl, competences, candidate in NODES:
        node = _upsert(
            RoadmapNode,
            {"roadmap": roadmap, "key": key},
            {
                "layer": layer,
                "title_en": title_en,
                "title_ru": title_ru,
                "start_year": start,
                "end_year": end,
                "trl": trl,
                "candidate": candidates[candidate] if candidate else None,
            },
        )
        _set_m2m(node.competences, [terms[c] for c in competences])
        nodes[key] = node
    for source, target in LINKS:
        _upsert(RoadmapLink, {"source": nodes[source], "target": nodes[target]}, {"roadmap": roadmap})
    return roadmap


def build_foresight_demo(progress: Callable[[str], None] = lambda _: None) -> None:
    """Build or refresh the foresight demo of the Moscow cluster (after its members and the demo users).

    Runs inside :func:`clusterworks.web.demo.build_demo`'s transaction and audit actor.
    """
    cluster = Cluster.objects.get(key=MMTC)
    manager = User.objects.get(username="manager")
    terms = {c.code: c for c in Competence.objects.all()}
    users = _experts()
    closed, answers = _closed_survey(cluster, users, manager)
    _running_survey(cluster, users, manager)
    progress(
        f"Delphi surveys: '{closed.title_en}' (2 closed rounds, {len(PANEL)} experts, {answers} synthetic "
        f"answers) and one running, open to the demo user 'expert'"
    )
    _partners(terms)
    exercise, candidates = _priorities(cluster, closed, terms)
    _roadmap(cluster, exercise, candidates, terms)
    progress(
        f"{len(candidates)} candidate priorities on {len(CRITERIA)} criteria; a technology roadmap of "
        f"{len(NODES)} nodes and {len(LINKS)} links; {len(PARTNERS)} illustrative partners outside "
        "the cluster"
    )
