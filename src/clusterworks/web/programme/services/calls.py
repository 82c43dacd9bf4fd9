"""Programmes and calls: creating and changing them, their rule sets (expenditure lines, sectors, the
application form's questions, the review rubric), publishing, and what the public and the officers see.

A call's rules are written in one go by :func:`call_create` / :func:`call_update`: the call's fields and
the *complete* list of each rule set (a row with a ``pk`` changes that row, one without adds a row, an
existing row left out is deleted). A new call gets the default workflow (``workflow.seed_workflow``).

**What may change once applications are submitted** (:func:`call_locks`). A submitted application was
checked against the call's rules; a later change must not make it wrong. Once any application of the call
has been submitted (even if later withdrawn), therefore:

* the call's key, year (the budget's years follow from it) and opening time are fixed; the deadline
  may only move later;
* eligible clusters and regions may be added, never removed (both lists empty means "everyone": the
  first entry added would exclude the rest, so an empty list stays empty);
* the regional co-financing range may only widen; the cap per cluster may only rise or be removed;
* attachment types may only be added and the largest attachment may only grow;
* expenditure lines, sectors and questions may be added but not deleted and their keys are fixed; a
  line's largest share may only rise or be removed; a question's kind is fixed, it may stop being
  required but not start, its longest answer may only grow, and a new question must be optional.

Once any review score is recorded the rubric is fixed too: no criterion is added or deleted and the
weights and scales stay. Always editable: names, descriptions, questions' and criteria's wording, the
envelope, the minimum score, the sector quotas, the review and commission settings. Publishing is
one-way once the call has applications.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import check, is_authenticated, require
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import Cluster, Region, key_validator

from ..diagram import call_graph, graph_problems
from ..models import (
    Application,
    BudgetItem,
    Call,
    Criterion,
    ExpenditureLine,
    FormQuestion,
    Programme,
    QuestionKind,
    Score,
    Sector,
)
from .workflow import seed_workflow

PROGRAMME_FIELDS = ("key", "name_en", "name_ru", "owner", "legal_basis", "description_en", "description_ru")
#: paths under /programme/ that a programme's key would shadow
RESERVED_KEYS = {"new", "notifications", "calls", "applications"}

CALL_FIELDS = (
    "key", "name_en", "name_ru", "year", "opens_at", "closes_at", "envelope", "regional_share_min",
    "regional_share_max", "cap_per_cluster", "min_score", "reviewers_per_application", "max_load",
    "conflict_years", "reviews_visible", "quorum_share", "max_attachment_mb", "attachment_types",
)  # fmt: skip
LINE_FIELDS = ("key", "position", "name_en", "name_ru", "max_share")
SECTOR_FIELDS = ("key", "name_en", "name_ru", "min_share", "max_share")
QUESTION_FIELDS = (
    "key", "position", "kind", "label_en", "label_ru", "help_en", "help_ru", "required", "max_length",
)  # fmt: skip
CRITERION_FIELDS = (
    "key", "position", "name_en", "name_ru", "guidance_en", "guidance_ru", "weight", "scale_min", "scale_max",
)  # fmt: skip

#: attachment types the content check knows (services.attachments)
SUPPORTED_ATTACHMENT_TYPES = ("pdf", "docx", "xlsx", "odt", "ods", "png", "jpg", "jpeg")
#: the budget covers the call's year and the two following
BUDGET_YEARS = 3


def _invalid(field: str | None, message: str) -> ValidationError:
    return ValidationError({field: [message]} if field else [message])


class _Errors:
    """Collects problems per field, to report them all at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _key_ok(key: str) -> bool:
    try:
        key_validator(key)
    except ValidationError:
        return False
    return True


# ----------------------------------------------------------------------------------------- selectors


def budget_years(call: Call) -> list[int]:
    """The years an application's budget may cover: the call's year and the two following."""
    return list(range(call.year, call.year + BUDGET_YEARS))


def attachment_types(call: Call) -> list[str]:
    """The call's allowed attachment extensions, lower case, without dots."""
    return [t for t in (part.strip().lower().lstrip(".") for part in call.attachment_types.split(",")) if t]


def calls_visible_to(user: Any) -> QuerySet[Call]:
    """Published calls, and the unpublished calls of the programmes the user runs (all for admins)."""
    calls = Call.objects.select_related("programme")
    if is_authenticated(user) and user.is_platform_admin:
        return calls
    if is_authenticated(user) and user.has_role(Role.PROGRAMME_OFFICER):
        return calls.filter(Q(published=True) | Q(programme__officers=user)).distinct()
    return calls.filter(published=True)


def programmes_with_calls(user: Any) -> list[tuple[Programme, list[Call]]]:
    """Every programme ``user`` may see (programmes are public) with the calls they may see, newest
    first."""
    calls = list(calls_visible_to(user).order_by("-year", "-opens_at", "key"))
    by_programme: dict[int, list[Call]] = {}
    for call in calls:
        by_programme.setdefault(call.programme_id, []).append(call)
    return [
        (p, by_programme.get(p.pk, [])) for p in Programme.objects.all() if check(user, "programme.view", p)
    ]


def call_has_submissions(call: Call) -> bool:
    return Application.objects.filter(call=call, submitted_at__isnull=False).exists()


def call_has_scores(call: Call) -> bool:
    return Score.objects.filter(review__assignment__application__call=call).exists()


@dataclass(frozen=True)
class CallLocks:
    """Which of the call's rules are fixed now (see the module's docstring)."""

    submitted: bool  # an application has been submitted: rules that would invalidate it are fixed
    scored: bool  # a review score is recorded: the rubric is fixed
    has_applications: bool  # publishing is one-way


def call_locks(call: Call) -> CallLocks:
    if call.pk is None:
        return CallLocks(False, False, False)
    return CallLocks(
        submitted=call_has_submissions(call),
        scored=call_has_scores(call),
        has_applications=Application.objects.filter(call=call).exists(),
    )


# ---------------------------------------------------------------------------------------- programmes


def _programme_data(programme: Programme, data: dict[str, Any], *, creating: bool) -> None:
    unknown = set(data) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(PROGRAMME_FIELDS)}")
    for name, value in data.items():
        if name == "key" and not creating:
            continue
        setattr(programme, name, (value or "").strip() if isinstance(value, str) else value)
    errors = _Errors()
    if creating and programme.key in RESERVED_KEYS:
        errors.add(
            "key",
            _("The key “%(key)s” is reserved for a page; choose another.") % {"key": programme.key},
        )
    if not programme.name_en and not programme.name_ru:
        errors.add("name_en", _("Give a name in English, in Russian or both."))
    errors.raise_any()
    programme.full_clean()


def _check_officers(officers: Iterable[Any]) -> list[Any]:
    officers = list(officers)
    for user in officers:
        user.forget_roles()
        if not (user.has_role(Role.PROGRAMME_OFFICER) or user.is_platform_admin):
            raise _invalid(
                "officers",
                _("%(user)s does not hold the programme officer role that running a programme needs.")
                % {"user": user.get_username()},
            )
    return officers


def programme_create(*, actor: Any, data: dict[str, Any], officers: Iterable[Any] = ()) -> Programme:
    """A new programme; the actor, a programme officer, is one of its officers."""
    require(actor, "programme.create")
    with transaction.atomic():
        programme = Programme()
        _programme_data(programme, data, creating=True)
        programme.save()
        people = _check_officers(officers)
        if actor.has_role(Role.PROGRAMME_OFFICER) and actor not in people:
            people.append(actor)
        programme.officers.set(people)
    return programme


def programme_update(
    *, actor: Any, programme: Programme, data: dict[str, Any], officers: Iterable[Any] | None = None
) -> Programme:
    """Change a programme (its key stays); ``officers``, when given, replaces the list of its officers."""
    require(actor, "programme.manage", programme)
    with transaction.atomic():
        programme = Programme.objects.select_for_update(of=("self",)).get(pk=programme.pk)
        _programme_data(programme, data, creating=False)
        programme.save()
        if officers is not None:
            people = _check_officers(officers)
            if not people:
                raise _invalid("officers", _("A programme needs at least one officer."))
            programme.officers.set(people)
    return programme


# ---------------------------------------------------------------------------------------------- calls


def _row_label(kind: str, row: dict[str, Any], index: int) -> str:
    """``Expenditure line “support”`` (or ``Expenditure line 2`` for a row without a key)."""
    key = (row.get("key") or "").strip()
    if key:
        return _("%(kind)s “%(key)s”") % {"kind": kind, "key": key}
    return _("%(kind)s %(number)s") % {"kind": kind, "number": index}


def _clean_rows(
    rows: Sequence[dict[str, Any]], fields: Sequence[str], field: str, kind: str, errors: _Errors
) -> list[dict[str, Any]]:
    """Each row's fields (unknown ones refused), keys valid and unique within the set."""
    cleaned, seen = [], set()
    for index, row in enumerate(rows, start=1):
        unknown = set(row) - {*fields, "pk"}
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)} in {field}; allowed: {sorted(fields)}")
        row = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        label = _row_label(kind, row, index)
        key = row.get("key") or ""
        if not _key_ok(key):
            errors.add(
                field,
                _(
                    "%(row)s: the key “%(key)s” is not valid; use lower-case Latin letters, digits, '.', "
                    "'_' and '-'."
                )
                % {"row": label, "key": key},
            )
        elif key in seen:
            errors.add(
                field, _("%(row)s: the key is used twice; keys are unique in a call.") % {"row": label}
            )
        seen.add(key)
        names = [row.get(n) for n in ("name_en", "name_ru", "label_en", "label_ru") if n in fields]
        if not any(names):
            errors.add(field, _("%(row)s: give a name in English, in Russian or both.") % {"row": label})
        row["_label"] = label
        cleaned.append(row)
    return cleaned


def _share_ok(value: Any) -> bool:
    return value is None or Decimal(0) <= Decimal(value) <= Decimal(100)


def _validate_rows(
    lines: list[dict], sectors: list[dict], questions: list[dict], criteria: list[dict], errors: _Errors
) -> None:
    for row in lines:
        if not _share_ok(row.get("max_share")):
            errors.add(
                "lines", _("%(row)s: the largest share is a percentage, 0 to 100.") % {"row": row["_label"]}
            )
    for row in sectors:
        low, high = row.get("min_share"), row.get("max_share")
        if not (_share_ok(low) and _share_ok(high)):
            errors.add("sectors", _("%(row)s: quotas are percentages, 0 to 100.") % {"row": row["_label"]})
        elif low is not None and high is not None and Decimal(low) > Decimal(high):
            errors.add(
                "sectors",
                _("%(row)s: the least share (%(low)s%%) is more than the largest (%(high)s%%).")
                % {"row": row["_label"], "low": low, "high": high},
            )
    floors = sum((Decimal(r["min_share"]) for r in sectors if r.get("min_share") is not None), Decimal(0))
    if floors > 100:
        errors.add(
            "sectors",
            _("The sectors' least shares add up to %(total)s%% of the envelope, more than 100%%.")
            % {"total": floors},
        )
    for row in questions:
        if row.get("kind") not in QuestionKind.values:
            errors.add(
                "questions",
                _("%(row)s: the kind “%(kind)s” is unknown; allowed: %(allowed)s.")
                % {"row": row["_label"], "kind": row.get("kind"), "allowed": ", ".join(QuestionKind.values)},
            )
        length = row.get("max_length")
        if length is not None and int(length) < 1:
            errors.add(
                "questions",
                _("%(row)s: the longest answer is at least 1 character.") % {"row": row["_label"]},
            )
    for row in criteria:
        weight = row.get("weight")
        if weight is None or Decimal(weight) < 0:
            errors.add("criteria", _("%(row)s: the weight is a number, 0 or more.") % {"row": row["_label"]})
        low, high = row.get("scale_min", 0), row.get("scale_max", 10)
        if low is None or high is None or int(high) <= int(low):
            errors.add(
                "criteria",
                _("%(row)s: the highest score must be above the lowest.") % {"row": row["_label"]},
            )


def _clean_call(call: Call, data: dict[str, Any], errors: _Errors, *, creating: bool) -> None:
    unknown = set(data) - set(CALL_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(CALL_FIELDS)}")
    for name, value in data.items():
        if name == "key" and not creating:
            continue
        setattr(call, name, value.strip() if isinstance(value, str) else value)
    if not call.name_en and not call.name_ru:
        errors.add("name_en", _("Give a name in English, in Russian or both."))
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        errors.add("closes_at", _("The deadline must come after the opening."))
    low, high = call.regional_share_min, call.regional_share_max
    if low is not None and high is not None and Decimal(low) > Decimal(high):
        errors.add(
            "regional_share_max",
            _("The largest regional co-financing (%(high)s%%) is less than the least (%(low)s%%).")
            % {"low": low, "high": high},
        )
    types = attachment_types(call)
    wrong = [t for t in types if t not in SUPPORTED_ATTACHMENT_TYPES]
    if wrong or not types:
        errors.add(
            "attachment_types",
            _("Unsupported attachment types: %(types)s; allowed: %(allowed)s.")
            % {"types": ", ".join(wrong) or "—", "allowed": ", ".join(SUPPORTED_ATTACHMENT_TYPES)},
        )
    else:
        call.attachment_types = ",".join(dict.fromkeys(types))


def _existing(rows: list[dict], queryset: QuerySet, field: str, errors: _Errors) -> dict[int, Any]:
    """The existing rows, by pk; a row naming a pk of another call is refused."""
    current = {obj.pk: obj for obj in queryset}
    for row in rows:
        if row.get("pk") is not None and row["pk"] not in current:
            errors.add(field, _("%(row)s: no such row in this call.") % {"row": row["_label"]})
    return current


def _less(new: Any, old: Any) -> bool:
    """Whether a limit ``new`` is tighter than ``old`` (None is no limit)."""
    if old is None:
        return new is not None
    return new is not None and Decimal(new) < Decimal(old)


def _check_locks(
    call: Call,
    old: Call,
    *,
    clusters: set[int],
    regions: set[str],
    lines: list[dict],
    sectors: list[dict],
    questions: list[dict],
    criteria: list[dict],
    existing: dict[str, dict[int, Any]],
    locks: CallLocks,
    errors: _Errors,
) -> None:
    if locks.submitted:
        if call.year != old.year:
            errors.add("year", _("The year cannot change once applications have been submitted."))
        if call.opens_at != old.opens_at:
            errors.add("opens_at", _("The opening cannot change once applications have been submitted."))
        if call.closes_at < old.closes_at:
            errors.add(
                "closes_at", _("The deadline may only move later once applications have been submitted.")
            )
        old_clusters = set(old.eligible_clusters.values_list("pk", flat=True))
        old_regions = set(old.eligible_regions.values_list("pk", flat=True))
        if (old_clusters and not old_clusters <= clusters) or (not old_clusters and clusters):
            errors.add(
                "eligible_clusters",
                _("Eligible clusters may be added but not removed once applications have been submitted."),
            )
        if (old_regions and not old_regions <= regions) or (not old_regions and regions):
            errors.add(
                "eligible_regions",
                _("Eligible regions may be added but not removed once applications have been submitted."),
            )
        if Decimal(call.regional_share_min) > Decimal(old.regional_share_min) or Decimal(
            call.regional_share_max
        ) < Decimal(old.regional_share_max):
            errors.add(
                "regional_share_min",
                _(
                    "The regional co-financing range may only widen (it was %(low)s–%(high)s%%) once "
                    "applications have been submitted."
                )
                % {"low": old.regional_share_min, "high": old.regional_share_max},
            )
        if _less(call.cap_per_cluster, old.cap_per_cluster):
            errors.add(
                "cap_per_cluster",
                _("The cap per cluster may only rise or be removed once applications have been submitted."),
            )
        if not set(attachment_types(old)) <= set(attachment_types(call)):
            errors.add(
                "attachment_types",
                _("Attachment types may be added but not removed once applications have been submitted."),
            )
        if call.max_attachment_mb < old.max_attachment_mb:
            errors.add(
                "max_attachment_mb",
                _("The largest attachment may only grow once applications have been submitted."),
            )
        for field, rows in (("lines", lines), ("sectors", sectors), ("questions", questions)):
            kept = {r["pk"] for r in rows if r.get("pk") is not None}
            for pk, obj in existing[field].items():
                if pk not in kept:
                    errors.add(
                        field,
                        _("“%(key)s” cannot be deleted once applications have been submitted.")
                        % {"key": obj.key},
                    )
            for row in rows:
                obj = existing[field].get(row.get("pk"))
                if obj is None:
                    if field == "questions" and row.get("required"):
                        errors.add(
                            field,
                            _(
                                "%(row)s: a new question must be optional once applications have been "
                                "submitted."
                            )
                            % {"row": row["_label"]},
                        )
                    continue
                if row.get("key") != obj.key:
                    errors.add(
                        field,
                        _("%(row)s: the key cannot change once applications have been submitted.")
                        % {"row": row["_label"]},
                    )
                if field == "lines" and _less(row.get("max_share"), obj.max_share):
                    errors.add(
                        field,
                        _(
                            "%(row)s: the largest share may only rise or be removed once applications "
                            "have been submitted."
                        )
                        % {"row": row["_label"]},
                    )
                if field == "questions":
                    if row.get("kind") != obj.kind:
                        errors.add(
                            field,
                            _("%(row)s: the kind cannot change once applications have been submitted.")
                            % {"row": row["_label"]},
                        )
                    if row.get("required") and not obj.required:
                        errors.add(
                            field,
                            _(
                                "%(row)s: the question cannot become required once applications have been "
                                "submitted."
                            )
                            % {"row": row["_label"]},
                        )
                    if _less(row.get("max_length"), obj.max_length):
                        errors.add(
                            field,
                            _(
                                "%(row)s: the longest answer may only grow once applications have been "
                                "submitted."
                            )
                            % {"row": row["_label"]},
                        )
    if locks.scored:
        kept = {r["pk"] for r in criteria if r.get("pk") is not None}
        for pk, obj in existing["criteria"].items():
            if pk not in kept:
                errors.add(
                    "criteria",
                    _("“%(key)s” cannot be deleted once review scores are recorded.") % {"key": obj.key},
                )
        for row in criteria:
            obj = existing["criteria"].get(row.get("pk"))
            if obj is None:
                errors.add(
                    "criteria",
                    _("%(row)s cannot be added once review scores are recorded.") % {"row": row["_label"]},
                )
                continue
            same = (
                row.get("key") == obj.key
                and Decimal(row.get("weight")) == obj.weight
                and int(row.get("scale_min")) == obj.scale_min
                and int(row.get("scale_max")) == obj.scale_max
            )
            if not same:
                errors.add(
                    "criteria",
                    _("%(row)s: the key, weight and scale cannot change once review scores are recorded.")
                    % {"row": row["_label"]},
                )


def _check_deletions(
    call: Call, lines: list[dict], sectors: list[dict], existing: dict, errors: _Errors
) -> None:
    """Rows that applications use cannot be deleted (even by drafts: their budgets and sectors point at
    them)."""
    kept_lines = {r["pk"] for r in lines if r.get("pk") is not None}
    gone = [pk for pk in existing["lines"] if pk not in kept_lines]
    for pk in sorted({*BudgetItem.objects.filter(line_id__in=gone).values_list("line_id", flat=True)}):
        errors.add(
            "lines",
            _("“%(key)s” cannot be deleted: applications' budgets use it.")
            % {"key": existing["lines"][pk].key},
        )
    kept_sectors = {r["pk"] for r in sectors if r.get("pk") is not None}
    gone = [pk for pk in existing["sectors"] if pk not in kept_sectors]
    for pk in sorted({*Application.objects.filter(sector_id__in=gone).values_list("sector_id", flat=True)}):
        errors.add(
            "sectors",
            _("“%(key)s” cannot be deleted: applications chose it.") % {"key": existing["sectors"][pk].key},
        )


def _write_rows(
    call: Call, model: type, rows: list[dict], fields: Sequence[str], existing: dict[int, Any]
) -> None:
    kept = {r["pk"] for r in rows if r.get("pk") is not None}
    model.objects.filter(pk__in=[pk for pk in existing if pk not in kept]).delete()
    for row in rows:  # keys may swap between rows: free them first
        obj = existing.get(row.get("pk"))
        if obj is not None and obj.key != row["key"]:
            obj.key = f"~{obj.pk}"
            obj.save(update_fields=["key"])
    for row in rows:
        obj = existing.get(row.get("pk")) or model(call=call)
        for name in fields:
            if name not in row:
                continue
            value, model_field = row[name], model._meta.get_field(name)
            if value is None and not model_field.null:
                value = model_field.get_default()
            setattr(obj, name, value)
        obj.full_clean(exclude=["call"], validate_unique=False, validate_constraints=False)
        obj.save()


def _save_call(
    *,
    call: Call,
    creating: bool,
    data: dict[str, Any],
    eligible_clusters: Iterable[Cluster] | None,
    eligible_regions: Iterable[Region] | None,
    lines: Sequence[dict] | None,
    sectors: Sequence[dict] | None,
    questions: Sequence[dict] | None,
    criteria: Sequence[dict] | None,
) -> Call:
    errors = _Errors()
    old = None if creating else Call.objects.get(pk=call.pk)
    _clean_call(call, data, errors, creating=creating)

    def rows_of(given, queryset, fields, field, kind):
        if given is None:  # not given: keep the current rows
            given = [{"pk": o.pk, **{f: getattr(o, f) for f in fields}} for o in queryset]
        return _clean_rows(given, fields, field, kind, errors)

    empty = ExpenditureLine.objects.none()
    line_rows = rows_of(
        lines, call.lines.all() if old else empty, LINE_FIELDS, "lines", _("Expenditure line")
    )
    sector_rows = rows_of(
        sectors, call.sectors.all() if old else empty, SECTOR_FIELDS, "sectors", _("Sector")
    )
    question_rows = rows_of(
        questions, call.questions.all() if old else empty, QUESTION_FIELDS, "questions", _("Question")
    )
    criterion_rows = rows_of(
        criteria, call.criteria.all() if old else empty, CRITERION_FIELDS, "criteria", _("Criterion")
    )
    _validate_rows(line_rows, sector_rows, question_rows, criterion_rows, errors)
    existing = {
        "lines": _existing(line_rows, call.lines.all() if old else empty, "lines", errors),
        "sectors": _existing(sector_rows, call.sectors.all() if old else empty, "sectors", errors),
        "questions": _existing(question_rows, call.questions.all() if old else empty, "questions", errors),
        "criteria": _existing(criterion_rows, call.criteria.all() if old else empty, "criteria", errors),
    }
    errors.raise_any()  # the rows are well-formed before they are compared with what is locked
    clusters = {c.pk for c in eligible_clusters} if eligible_clusters is not None else None
    regions = {r.pk for r in eligible_regions} if eligible_regions is not None else None
    if old is not None:
        locks = call_locks(old)
        _check_locks(
            call, old,
            clusters=clusters if clusters is not None else {c.pk for c in old.eligible_clusters.all()},
            regions=regions if regions is not None else {r.pk for r in old.eligible_regions.all()},
            lines=line_rows, sectors=sector_rows, questions=question_rows, criteria=criterion_rows,
            existing=existing, locks=locks, errors=errors,
        )  # fmt: skip
        if not locks.submitted:  # once submitted no line or sector is deleted at all
            _check_deletions(call, line_rows, sector_rows, existing, errors)
    errors.raise_any()
    call.full_clean()
    call.save()
    if clusters is not None:
        call.eligible_clusters.set(clusters)
    if regions is not None:
        call.eligible_regions.set(regions)
    for model, rows, fields, field in (
        (ExpenditureLine, line_rows, LINE_FIELDS, "lines"),
        (Sector, sector_rows, SECTOR_FIELDS, "sectors"),
        (FormQuestion, question_rows, QUESTION_FIELDS, "questions"),
        (Criterion, criterion_rows, CRITERION_FIELDS, "criteria"),
    ):
        for row in rows:
            row.pop("_label", None)
        _write_rows(call, model, rows, fields, existing[field])
    return call


def call_create(
    *,
    actor: Any,
    programme: Programme,
    data: dict[str, Any],
    eligible_clusters: Iterable[Cluster] = (),
    eligible_regions: Iterable[Region] = (),
    lines: Sequence[dict] = (),
    sectors: Sequence[dict] = (),
    questions: Sequence[dict] = (),
    criteria: Sequence[dict] = (),
) -> Call:
    """A new, unpublished call of ``programme`` with its rules and the default workflow."""
    require(actor, "programme.manage", programme)
    with transaction.atomic():
        call = Call(programme=programme, published=False)
        call = _save_call(
            call=call, creating=True, data=data, eligible_clusters=eligible_clusters,
            eligible_regions=eligible_regions, lines=lines, sectors=sectors, questions=questions,
            criteria=criteria,
        )  # fmt: skip
        seed_workflow(call=call)
    return call


def call_update(
    *,
    actor: Any,
    call: Call,
    data: dict[str, Any],
    eligible_clusters: Iterable[Cluster] | None = None,
    eligible_regions: Iterable[Region] | None = None,
    lines: Sequence[dict] | None = None,
    sectors: Sequence[dict] | None = None,
    questions: Sequence[dict] | None = None,
    criteria: Sequence[dict] | None = None,
) -> Call:
    """Change a call's fields and rule sets (each given set replaces the current one; None keeps it),
    within what the call's applications and reviews allow (the module's docstring)."""
    require(actor, "programme.manage", call.programme)
    with transaction.atomic():
        locked = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
        return _save_call(
            call=locked, creating=False, data=data, eligible_clusters=eligible_clusters,
            eligible_regions=eligible_regions, lines=lines, sectors=sectors, questions=questions,
            criteria=criteria,
        )  # fmt: skip


def call_publish(*, actor: Any, call: Call, published: bool) -> Call:
    """Publish a call (it becomes public; applicants apply between its opening and its deadline) or
    take it back while it has no applications."""
    require(actor, "programme.manage", call.programme)
    with transaction.atomic():
        call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
        if published:
            errors = _Errors()
            if not call.lines.exists():
                errors.add("lines", _("A call needs at least one expenditure line before it is published."))
            if not call.criteria.filter(weight__gt=0).exists():
                errors.add(
                    "criteria",
                    _("A call needs a review criterion with a weight above 0 before it is published."),
                )
            problems = graph_problems(*call_graph(call))
            if problems:
                errors.add(
                    "workflow",
                    _("The call's workflow is not sound: %(problems)s.") % {"problems": "; ".join(problems)},
                )
            errors.raise_any()
        elif Application.objects.filter(call=call).exists():
            raise _invalid(None, _("The call has applications: it stays published."))
        call.published = published
        call.save(update_fields=["published"])
    return call
