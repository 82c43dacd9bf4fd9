"""A survey's answers as a CSV file, out and in.

The file is the responses table of ``clusterworks delphi consensus`` (docs/methods/delphi.md)::

    round,expert,question,item,kind,value
    1,E01,importance,telemedicine,rating,4
    1,E01,priority,a,rank,1

``expert`` is the panelist's pseudonym, ``question`` and ``item`` the keys, ``kind`` is ``rank`` for a
ranking and ``rating`` for ratings, years and probabilities; the two scales of a two-scale rating are
the questions ``key:1`` and ``key:2``. Choice and text answers are not in it.

*Export* (:func:`responses_csv`) writes the submitted answers, so that an analyst can re-run the
statistics with the command line. *Import* (:func:`responses_import`) brings answers collected elsewhere
(on paper, with another tool) into an opened round. The whole file is checked first: its structure,
numbers, duplicates and rankings by :func:`clusterworks.analytics.delphi.summarise_responses_csv` (the
rules of the command line, once), and against the survey here: the round, the panel's pseudonyms, the
questions asked in the round and their items, the scale, complete rankings and both scales of a
two-scale rating, experts who already submitted. Any problem stops the import: nothing is stored.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterworks.analytics.delphi import COLUMNS, DelphiError, InvalidResponses, format_number
from clusterworks.analytics.delphi import summarise_responses_csv as check_with_library
from clusterworks.web.core.permissions import require

from .models import (
    NUMERIC_KINDS,
    Answer,
    Question,
    QuestionKind,
    Round,
    RoundStatus,
    Submission,
    Survey,
    SurveyStatus,
)
from .results import response_question, survey_responses
from .surveys import PROBABILITY_SCALE

#: problems listed at most (all are counted)
MAX_SHOWN = 100


def responses_csv(*, survey: Survey, rounds: Any = None) -> str:
    """The submitted numeric answers of ``survey`` (of ``rounds``, numbers; all when None) as the text of
    a responses CSV file: UTF-8, comma-separated, ``\\n`` line ends, numbers as the CLI writes them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in survey_responses(survey=survey, rounds=rounds):
        writer.writerow([row.round, row.expert, row.question, row.item, row.kind, format_number(row.value)])
    return buffer.getvalue()


def responses_file_name(survey: Survey, number: int | None = None) -> str:
    return f"{survey.key}-responses" + (f"-round-{number}" if number else "") + ".csv"


# --- import -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    """One problem of the file: ``line`` (the header is line 1), ``field``, ``value`` and ``message``."""

    line: int | None
    field: str
    value: str
    message: str


@dataclass(frozen=True)
class ResponsesImport:
    """What an import found and did: ``issues`` (at most :data:`MAX_SHOWN`, ``total_issues`` in all);
    when there are none, the experts (pseudonyms) whose answers were stored -- or would be, for a dry
    run -- the number of answers, and the experts whose unsubmitted draft was replaced."""

    round: Round
    dry_run: bool
    issues: tuple[ImportIssue, ...] = ()
    total_issues: int = 0
    experts: tuple[str, ...] = ()
    answers: int = 0
    replaced_drafts: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.total_issues == 0


class _Issues:
    def __init__(self) -> None:
        self.found: list[ImportIssue] = []

    def add(self, line: int | None, field: str, value: Any, message: str) -> None:
        self.found.append(ImportIssue(line, field, "" if value is None else str(value)[:80], message))


def _library_issues(data: bytes, band: float) -> tuple[list[ImportIssue], int]:
    """The problems :func:`summarise_responses_csv` finds in the file (and how many in all)."""
    with tempfile.TemporaryDirectory(prefix="clusterworks-import-") as directory:
        path = Path(directory) / "responses.csv"
        path.write_bytes(data)
        try:
            check_with_library(path, band=band)
        except InvalidResponses as error:
            issues = [ImportIssue(i.line, i.field, i.value, i.message) for i in error.issues]
            return issues, error.total
        except DelphiError as error:
            return [ImportIssue(None, "", "", str(error))], 1
    return [], 0


def _rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """The data rows under a header with every column (else none), each with its first line; rows
    with a wrong number of fields or nothing in them are left to the library's report."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip() for cell in next(reader, [])]
    except csv.Error:
        return []
    if not set(COLUMNS) <= set(header) or len(set(header)) != len(header):
        return []
    index = {column: header.index(column) for column in COLUMNS}
    rows, previous = [], reader.line_num
    try:
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if len(cells) != len(header) or not any(cell.strip() for cell in cells):
                continue
            rows.append((line, {column: cells[i].strip() for column, i in index.items()}))
    except csv.Error:
        return []
    return rows


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _listed(values: Any, limit: int = 12) -> str:
    values = list(values)
    return ", ".join(values[:limit]) + (", …" if len(values) > limit else "")


def _allowed_range(question: Question) -> tuple[float, float] | None:
    if question.kind == QuestionKind.PROBABILITY:
        return PROBABILITY_SCALE
    if question.kind == QuestionKind.RANK:
        return None
    if question.scale_min is not None and question.scale_max is not None:
        return question.scale_min, question.scale_max
    return None


def _check_against_survey(
    round_: Round, rows: list[tuple[int, dict[str, str]]], issues: _Issues
) -> dict[str, dict[tuple[int, int], dict[str, float]]]:
    """Check the rows against the survey; return, per pseudonym, (question id, item id) -> {"value",
    "value2"} of the rows that passed (used only when no row has a problem)."""
    survey = round_.survey
    numbers = set(survey.rounds.values_list("number", flat=True))
    panel = {p.code: p for p in survey.panelists.all()}
    questions = {q.key: q for q in survey.questions.prefetch_related("items")}
    items = {q.key: {i.key: i for i in q.items.all()} for q in questions.values()}
    submitted = set(
        round_.submissions.filter(submitted_at__isnull=False).values_list("panelist__code", flat=True)
    )
    answers: dict[str, dict[tuple[int, int], dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    first_line: dict[str, int] = {}
    named: dict[str, set[str]] = defaultdict(set)
    scales: dict[tuple[str, str, str], dict[int, int]] = defaultdict(dict)

    for line, row in rows:
        ok = True
        number = int(row["round"]) if row["round"].isascii() and row["round"].isdigit() else None
        if number is not None and number != round_.number:
            ok = False
            if number in numbers:
                message = _("round %(got)d is not the round being imported; allowed: %(number)d")
            else:
                message = _(
                    "there is no round %(got)d in this survey; allowed: %(number)d, the round being imported"
                )
            issues.add(line, "round", row["round"], message % {"got": number, "number": round_.number})
        code = row["expert"]
        if code and code not in panel:
            ok = False
            issues.add(
                line,
                "expert",
                code,
                _("unknown expert %(code)s; allowed: the pseudonyms of the panel (%(codes)s)")
                % {"code": code, "codes": _listed(sorted(panel)) or "—"},
            )
        elif code in submitted:
            ok = False
            if code not in first_line:
                issues.add(
                    line,
                    "expert",
                    code,
                    _("%(code)s has already submitted round %(number)d; allowed: experts who have not")
                    % {"code": code, "number": round_.number},
                )
        first_line.setdefault(code, line)
        key, _colon, suffix = row["question"].partition(":")
        question = questions.get(key)
        if not row["question"]:
            continue  # the library reports an empty name
        if question is None:
            issues.add(
                line,
                "question",
                row["question"],
                _("unknown question %(key)s; allowed: %(keys)s")
                % {"key": row["question"], "keys": _listed(questions) or "—"},
            )
            continue
        if question.kind not in NUMERIC_KINDS:
            issues.add(
                line,
                "question",
                row["question"],
                _("question %(key)s is a %(kind)s question; allowed: questions answered with numbers")
                % {"key": key, "kind": question.get_kind_display().lower()},
            )
            continue
        if question.kind == QuestionKind.RATING2 and suffix not in ("1", "2"):
            issues.add(
                line,
                "question",
                row["question"],
                _("question %(key)s rates on two scales; allowed: %(first)s and %(second)s")
                % {"key": key, "first": response_question(key, 1), "second": response_question(key, 2)},
            )
            continue
        if question.kind != QuestionKind.RATING2 and _colon:
            issues.add(
                line,
                "question",
                row["question"],
                _("question %(key)s has one scale; allowed: %(key)s") % {"key": key},
            )
            continue
        if not question.asked_in(round_.number):
            issues.add(
                line,
                "question",
                row["question"],
                _("question %(key)s is not asked in round %(number)d")
                % {"key": key, "number": round_.number},
            )
            continue
        expected_kind = "rank" if question.kind == QuestionKind.RANK else "rating"
        if row["kind"] in ("rating", "rank") and row["kind"] != expected_kind:
            ok = False
            issues.add(
                line,
                "kind",
                row["kind"],
                _("question %(key)s is answered as %(kind)s; allowed: %(kind)s")
                % {"key": row["question"], "kind": expected_kind},
            )
        item = items[key].get(row["item"])
        if row["item"] and item is None:
            issues.add(
                line,
                "item",
                row["item"],
                _("question %(key)s has no item %(item)s; allowed: %(items)s")
                % {"key": key, "item": row["item"], "items": _listed(items[key])},
            )
            continue
        if item is None:
            continue
        named[key].add(item.key)
        value = _number(row["value"])
        allowed = _allowed_range(question)
        if value is not None and allowed is not None and not allowed[0] <= value <= allowed[1]:
            ok = False
            issues.add(
                line,
                "value",
                row["value"],
                _("%(value)s is outside the scale of question %(key)s; allowed: %(low)s to %(high)s")
                % {
                    "value": row["value"],
                    "key": key,
                    "low": format_number(allowed[0]),
                    "high": format_number(allowed[1]),
                },
            )
        if question.kind == QuestionKind.RATING2 and code:
            scales[(code, key, item.key)][int(suffix)] = line
        if ok and value is not None and code:
            answers[code][(question.pk, item.pk)]["value2" if suffix == "2" else "value"] = value

    for key, keys in named.items():
        question = questions[key]
        missing = [k for k in items[key] if k not in keys]
        if question.kind == QuestionKind.RANK and missing:
            issues.add(
                None,
                "item",
                _listed(missing),
                _(
                    "question %(key)s has %(count)d items and the file ranks only %(named)s; allowed: a "
                    "ranking of every item"
                )
                % {"key": key, "count": len(items[key]), "named": _listed(sorted(keys))},
            )
    for (code, key, item), lines in sorted(scales.items()):
        if len(lines) == 1:
            ((given, line),) = lines.items()
            missing_name = response_question(key, 2 if given == 1 else 1)
            issues.add(
                line,
                "question",
                response_question(key, given),
                _("%(code)s rates item %(item)s on one scale only; allowed: both %(given)s and %(missing)s")
                % {
                    "code": code,
                    "item": item,
                    "given": response_question(key, given),
                    "missing": missing_name,
                },
            )
    return answers


@transaction.atomic
def responses_import(*, actor: Any, round: Round, data: bytes, dry_run: bool = False) -> ResponsesImport:
    """Check the responses file ``data`` and, when it has no problem and this is not a dry run, store its
    answers as the submitted answers of their experts in ``round`` (an open or closed round). An
    expert's unsubmitted draft of the round is replaced by the file's answers."""
    require(actor, "survey.manage", round.survey)
    survey = Survey.objects.select_for_update().get(pk=round.survey_id)
    round.refresh_from_db()
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("The survey is closed; nothing in it can change."), code="closed")
    if round.status == RoundStatus.PLANNED:
        raise ValidationError(_("Answers are imported into a round that has been opened."), code="planned")
    found, total = _library_issues(data, survey.agreement_band)
    issues = _Issues()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ""
    answers = _check_against_survey(round, _rows(text), issues)
    everything = sorted([*found, *issues.found], key=lambda issue: (issue.line or 0, issue.field))
    total += len(issues.found)
    if total:
        return ResponsesImport(round, dry_run, tuple(everything[:MAX_SHOWN]), total)
    experts = tuple(sorted(answers))
    count = sum(len(by_item) for by_item in answers.values())
    drafts = set(
        round.submissions.filter(panelist__code__in=experts, submitted_at__isnull=True, answers__isnull=False)
        .values_list("panelist__code", flat=True)
        .distinct()
    )
    if not dry_run:
        _store(round, answers)
    return ResponsesImport(
        round, dry_run, experts=experts, answers=count, replaced_drafts=tuple(sorted(drafts))
    )


def _store(round_: Round, answers: dict[str, dict[tuple[int, int], dict[str, float]]]) -> None:
    now = timezone.now()
    panel = {p.code: p for p in round_.survey.panelists.filter(code__in=list(answers))}
    rows = []
    for code, by_item in answers.items():
        submission, _created = Submission.objects.get_or_create(round=round_, panelist=panel[code])
        submission.answers.all().delete()
        submission.saved_at = submission.submitted_at = now
        submission.save(update_fields=["saved_at", "submitted_at"])
        for (_question, item), values in by_item.items():
            rows.append(Answer(submission=submission, item_id=item, **values))
    Answer.objects.bulk_create(rows, batch_size=1000)
